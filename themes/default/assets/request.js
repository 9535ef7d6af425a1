// The request form, sent by script: the relay's message for each mistake
// shows beside its field and in the summary, linked to the field, and a
// confirmation with the reference and the dates the relay gives takes the
// form's place. The page holds a hidden summary item for every field, in
// page order, and one for a message about no field. Without JavaScript
// the form posts as it is and the relay answers with pages of its own.
(function () {
  var d = document, form = d.querySelector("form[data-relay]"), summary, done, sending;
  if (!form) return;
  summary = form.querySelector(".form-errors");
  done = d.querySelector(".confirmation");
  function show(errors, message) {
    var items = summary.querySelectorAll("li"), i, li, name, msg, e;
    for (i = 0; li = items[i]; i++) {
      name = li.getAttribute("data-field");
      msg = (name ? errors[name] : message) || "";
      li.hidden = !msg;
      (li.firstChild || li).textContent = msg;
      if (name) {
        e = d.getElementById("f-" + name + "-error");
        e.textContent = msg;
        e.hidden = !msg;
        e = d.getElementById("f-" + name);
        if (e) e.setAttribute("aria-invalid", !!msg);
      }
    }
    summary.hidden = false;
    summary.focus();
  }
  form.addEventListener("submit", function (ev) {
    // A second click while sending sends nothing more. Where fetch is
    // missing this throws first, and the form posts as it is.
    sending = sending || fetch(form.action, { method: "POST", body: new FormData(form), headers: { Accept: "application/json" } })
      .then(function (res) {
        return res.json().then(function (r) {
          var steps = done.querySelectorAll("li");
          if (res.status != 201) return show(r.errors || {}, r.error);
          done.querySelector("strong").textContent = r.reference;
          form.hidden = true;
          done.hidden = false;
          done.focus();
          // The page's own steps, dated for this request.
          r.next_steps.forEach(function (s, i) { steps[i].firstChild.data = s.text + " "; });
        });
      })
      .catch(function () { show({}, summary.dataset.offline); })
      .then(function () { sending = 0; });
    ev.preventDefault();
  });
})();
