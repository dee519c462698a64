"""Inputs: turning the paths a user names into a bounded stream of members."""
