"""Instructor tools: release student versions, grade submissions, report scores."""
