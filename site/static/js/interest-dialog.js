// "Express interest" on the recommendations page: one dialog for every project. Each card's form still works
// without JavaScript (it sends the interest without a note); with it, the dialog asks for the note first.
(function () {
  "use strict";
  const dialog = document.getElementById("interest-dialog");
  if (!dialog || typeof dialog.showModal !== "function") return;
  const dialogForm = dialog.querySelector("form");
  const title = dialog.querySelector("[data-dialog-project]");
  let opener = null;

  document.querySelectorAll("[data-interest-form]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      opener = form.querySelector("button");
      dialogForm.action = form.action;
      title.textContent = form.getAttribute("data-project-title");
      dialog.showModal();
      dialog.querySelector("textarea").focus();
    });
  });
  dialog.querySelector("[data-dialog-close]").addEventListener("click", function () { dialog.close(); });
  dialog.addEventListener("close", function () { if (opener) opener.focus(); });
})();
