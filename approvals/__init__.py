"""Approval records (办件): applications, their steps and special procedures, the working-day
calendar, and 电子监察 deadline supervision."""
