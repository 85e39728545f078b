// The portal's only script: filters the catalog in place (search text, team, tier,
// readiness level, environment). No network, no eval, no inline handlers: the page's
// Content-Security-Policy allows this file and nothing else.

(() => {
  const form = document.getElementById("catalog-filters");
  if (!form) return;
  const rows = Array.from(document.querySelectorAll("#catalog tbody tr"));
  const haystacks = rows.map((row) => row.textContent.toLowerCase());
  const count = document.getElementById("catalog-count");
  const empty = document.getElementById("catalog-empty");
  const field = (name) => form.elements.namedItem(name);

  // Filters may come from the address (index.html?team=payments&tier=critical): links can be shared.
  const params = new URLSearchParams(window.location.search);
  for (const name of ["q", "team", "tier", "level", "env"]) {
    const value = params.get(name);
    const control = field(name);
    if (value !== null && control) control.value = value;
  }

  let scheduled = false;
  const apply = () => {
    scheduled = false;
    const words = field("q").value.toLowerCase().split(/\s+/).filter(Boolean);
    const team = field("team").value;
    const tier = field("tier").value;
    const env = field("env").value;
    const level = field("level").value;
    let shown = 0;
    rows.forEach((row, index) => {
      const haystack = haystacks[index];
      const match =
        (team === "" || row.dataset.team === team) &&
        (tier === "" || row.dataset.tier === tier) &&
        (level === "" || row.dataset.level === level) &&
        (env === "" || row.dataset.env.split(" ").includes(env)) &&
        words.every((word) => haystack.includes(word));
      row.hidden = !match;
      if (match) shown += 1;
    });
    count.textContent = `${shown} of ${rows.length} services`;
    empty.hidden = shown > 0;
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    window.requestAnimationFrame(apply);
  };
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  form.addEventListener("submit", (event) => event.preventDefault());
  apply();
})();
