// Passkeys on the security page and at the second sign-in step. A button with
// data-passkey-options names where to fetch the WebAuthn options (the server keeps the
// challenge); the browser's answer goes into the form's hidden "credential" field and
// the form is posted, so the server checks it and answers with a page as for any form.
"use strict";
document.addEventListener("click", function (event) {
  var button = event.target.closest ? event.target.closest("[data-passkey-options]") : null;
  if (!button) {
    return;
  }
  event.preventDefault();
  var form = button.form;
  var status = document.getElementById("passkey-status");
  var create = button.getAttribute("data-passkey-mode") === "create";
  var csrf = form.querySelector("input[name=csrf_token]").value;
  fetch(button.getAttribute("data-passkey-options"), {
    method: "POST",
    headers: { "X-CSRF-Token": csrf },
    credentials: "same-origin",
  })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("the server refused (" + response.status + ")");
      }
      return response.json();
    })
    .then(function (options) {
      if (create) {
        return navigator.credentials.create({
          publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options),
        });
      }
      return navigator.credentials.get({
        publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options),
      });
    })
    .then(function (credential) {
      form.querySelector("input[name=credential]").value = JSON.stringify(credential.toJSON());
      form.submit();
    })
    .catch(function (error) {
      if (status) {
        status.textContent = "No passkey was used: " + error.message;
      }
    });
});
