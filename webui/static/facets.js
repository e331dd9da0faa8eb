// On a phone the facets follow the results; the "筛选" link jumps there without script. With script it opens
// them above the results instead, and closes them again.
(function () {
  var link = document.querySelector(".filter-toggle a");
  var facets = document.getElementById("facets");
  if (!link || !facets) return;
  link.setAttribute("aria-expanded", "false");
  link.addEventListener("click", function (event) {
    if (!window.matchMedia("(max-width: 48rem)").matches) return;
    event.preventDefault();
    var open = facets.classList.toggle("is-open");
    link.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) facets.focus({ preventScroll: true });
  });
})();
