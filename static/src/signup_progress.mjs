// The sign up progress page: asks the server how the sign up is going and updates the page in
// place, announcing each change to screen readers. A module file, so no inline script is needed
// (strict CSP); without JavaScript the page's "Check again" link does the same.
const root = document.getElementById("signup-progress");
const FIRST_WAIT_MS = 2000;
const MAX_WAIT_MS = 15000;
const GIVE_UP_AFTER_MS = 30 * 60 * 1000;

function part(name) {
  return root.querySelector(`[data-progress="${name}"]`);
}

function stepState(state) {
  if (state === "done") {
    return document.createTextNode("Done");
  }
  const tag = document.createElement("strong");
  tag.className =
    state === "in progress" ? "govuk-tag govuk-tag--light-blue" : "govuk-tag govuk-tag--grey";
  tag.textContent = state === "in progress" ? "In progress" : "Not started";
  return tag;
}

function render(progress) {
  part("heading").textContent = progress.heading;
  part("message").textContent = progress.message;
  document.title = `${progress.heading} – ${document.title.split(" – ").pop()}`;
  progress.steps.forEach((step, index) => {
    const cell = root.querySelector(`[data-step="${index}"]`);
    if (cell) {
      cell.replaceChildren(stepState(step.state));
    }
  });
  const links = part("links");
  links.replaceChildren(
    ...progress.links.map(({ text, href }) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.className = "govuk-link govuk-!-font-weight-bold";
      link.href = href;
      link.textContent = text;
      item.append(link);
      return item;
    }),
  );
  if (progress.finished) {
    part("check-again")?.remove();
  }
  // Read out once, after the page has changed.
  part("announcement").textContent = `${progress.heading}. ${progress.message}`;
}

async function poll(wait, started) {
  let next = Math.min(wait * 1.5, MAX_WAIT_MS);
  try {
    const response = await fetch(root.dataset.statusUrl, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      cache: "no-store",
    });
    if (response.ok) {
      const progress = await response.json();
      if (progress.state !== root.dataset.state) {
        root.dataset.state = progress.state;
        render(progress);
        next = FIRST_WAIT_MS;
      }
      if (progress.finished) {
        return;
      }
    }
  } catch {
    // Offline for a moment: try again later; the "Check again" link still works.
  }
  if (Date.now() - started < GIVE_UP_AFTER_MS) {
    setTimeout(() => poll(next, started), next);
  }
}

if (root && root.dataset.statusUrl) {
  setTimeout(() => poll(FIRST_WAIT_MS, Date.now()), FIRST_WAIT_MS);
}
