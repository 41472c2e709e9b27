// Signature pad: draws with a finger, mouse or pen and puts a PNG data URL into the form.
// Set up when the page loads and again when htmx brings a pad in (the on-site screen).
(function () {
  "use strict";

  function start() {
    const canvas = document.getElementById("signature-pad");
    if (!canvas || canvas.dataset.ready) return;
    canvas.dataset.ready = "true";
    const field = document.getElementById("signature-data");
    const context = canvas.getContext("2d");
    let drawing = false;
    let drawn = false;
    context.lineWidth = 3;
    context.lineCap = "round";
    context.strokeStyle = "#111";

    function point(event) {
      const box = canvas.getBoundingClientRect();
      return {
        x: (event.clientX - box.left) * (canvas.width / box.width),
        y: (event.clientY - box.top) * (canvas.height / box.height),
      };
    }
    canvas.addEventListener("pointerdown", function (event) {
      drawing = true;
      const p = point(event);
      context.beginPath();
      context.moveTo(p.x, p.y);
      canvas.setPointerCapture(event.pointerId);
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      const p = point(event);
      context.lineTo(p.x, p.y);
      context.stroke();
      drawn = true;
    });
    function stop() {
      if (drawing && drawn) field.value = canvas.toDataURL("image/png");
      drawing = false;
    }
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointerleave", stop);
    document.getElementById("signature-clear").addEventListener("click", function () {
      context.clearRect(0, 0, canvas.width, canvas.height);
      field.value = "";
      drawn = false;
    });
  }

  start();
  document.addEventListener("htmx:load", start);
})();
