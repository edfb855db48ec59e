"""One widget per panel of the main screen."""
