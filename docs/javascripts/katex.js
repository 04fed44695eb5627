// Render the math that pymdownx.arithmatex (generic mode) left in the page.
// Only `.arithmatex` elements are touched, so a dollar sign in prose stays text.
document$.subscribe(({ body }) => {
  body.querySelectorAll(".arithmatex").forEach((element) => {
    renderMathInElement(element, {
      delimiters: [
        { left: "\\[", right: "\\]", display: true },
        { left: "\\(", right: "\\)", display: false },
      ],
      throwOnError: false,
    });
  });
});
