"""Background jobs: what runs when, and the loop that runs them in any process."""
