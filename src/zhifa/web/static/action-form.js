// The case-opening form: warn, as officers are ticked, when fewer than two of them hold a
// valid certificate (on-site enforcement needs two). The page renders the same warning
// for the officers it was given, so without JavaScript it is right when the form opens.
(() => {
  const checks = document.getElementById("officer-checks");
  const warning = document.getElementById("officer-warning");
  const count = document.getElementById("officer-count");
  if (!checks || !warning || !count) return;
  const update = () => {
    const able = checks.querySelectorAll("input[data-able]:checked").length;
    count.textContent = String(able);
    warning.hidden = able >= Number(warning.dataset.min);
  };
  checks.addEventListener("change", update);
})();
