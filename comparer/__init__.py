"""Comparer: line up what news outlets claim about the same event."""
