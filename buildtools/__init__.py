"""Build, check and publish the portal: the steps tasks.py and CI run, as importable functions."""
