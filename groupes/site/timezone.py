"""The one time zone of the application: meetings happen, and dates are shown, in Paris."""

from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
