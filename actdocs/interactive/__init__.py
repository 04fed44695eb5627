"""The interactive demos: their data, their Plotly specification and the explorer."""
