// Live character counters for the synopsis fields; the server checks the same limit.
(function () {
  "use strict";
  document.querySelectorAll("[data-counter-for]").forEach(function (counter) {
    var field = document.getElementById(counter.getAttribute("data-counter-for"));
    if (!field) return;
    var limit = parseInt(field.getAttribute("maxlength"), 10);
    field.removeAttribute("maxlength"); // let people paste and then trim, rather than cutting silently
    function update() {
      var length = field.value.length;
      counter.textContent = length + " / " + limit;
      counter.classList.toggle("over", length > limit);
    }
    field.addEventListener("input", update);
    update();
  });
})();
