// Report page: bring the target passage into view and let each passage link be copied in one click.
(function () {
  function showTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) return;
    var passage = document.getElementById(id);
    if (!passage) return;
    document.querySelectorAll(".passage.is-target").forEach(function (el) { el.classList.remove("is-target"); });
    passage.classList.add("is-target");
    passage.scrollIntoView({ block: "start" });
    passage.focus({ preventScroll: true });
  }
  window.addEventListener("hashchange", showTarget);
  showTarget();
  document.querySelectorAll("a.permalink").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var url = link.getAttribute("data-copy");
      if (!navigator.clipboard) return;  // falls back to following the link, which puts it in the address bar
      event.preventDefault();
      navigator.clipboard.writeText(url).then(function () {
        link.textContent = "已复制";
        setTimeout(function () { link.textContent = "复制链接"; }, 1500);
      });
      history.replaceState(null, "", "#" + link.hash.slice(1));
      showTarget();
    });
  });
})();
