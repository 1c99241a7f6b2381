// Loaded in <head> without defer, before the stylesheet applies: rules under `.js` (scripted behaviours) hold from
// the first paint. A file rather than an inline script, so the Content-Security-Policy forbids every inline script.
document.documentElement.className += " js";
