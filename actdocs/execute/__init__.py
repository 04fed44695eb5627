"""Running the reader's code: the listings under snippets/, the figures drawn from a
listing's results, and the exercise notebooks."""
