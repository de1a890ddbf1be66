// Starts GOV.UK Frontend's components. A file rather than an inline script, so the Content
// Security Policy needs no nonce (published pages are cached whole). Keep the statement's
// closing semicolon: oversight/storage.py rewrites the path to the hashed file name only then.
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();
