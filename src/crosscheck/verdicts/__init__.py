"""The verdict stage's own judges: crosscheck's contradiction model (more to move here, see docs)."""
