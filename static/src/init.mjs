// Starts GOV.UK Frontend's components; a module file, so no inline script is needed (strict CSP).
import { initAll } from "/static/govuk/govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported");
initAll();
