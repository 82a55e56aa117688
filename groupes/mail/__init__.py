"""E-mail: messages queued in the database, sent after the response or by a command."""
