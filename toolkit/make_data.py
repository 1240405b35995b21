"""Regenerate ``data/linear_regression.csv``: ``python -m toolkit.make_data``."""

from toolkit.data import write_linear_data

if __name__ == "__main__":
    print(f"wrote {write_linear_data()}")
