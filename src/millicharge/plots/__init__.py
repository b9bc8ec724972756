"""The paper's figures and the plotting functions behind them."""
