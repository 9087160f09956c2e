// Progressive enhancement for the verifier pages (/v). Without this script every entrance still
// works, except the camera. Plain ES2019, no build step; jsQR (served from the jsqr package) decodes.
(function () {
  'use strict';

  // The QR landing /v/<number>#<secret>: the secret never reaches a server log; it goes in a POST body.
  var qrForm = document.querySelector('form[data-qr-secret]');
  if (qrForm) {
    var secret = '';
    try { secret = decodeURIComponent(location.hash.slice(1)); } catch (e) { secret = ''; }
    if (/^[A-Za-z0-9_-]{16,64}$/.test(secret)) {
      qrForm.querySelector('input[name="secret"]').value = secret;
      history.replaceState(null, '', location.pathname + location.search);
      qrForm.hidden = false;
      var fallback = document.querySelector('[data-qr-fallback]');
      if (fallback) fallback.hidden = true;
      qrForm.submit();
    }
  }

  var printButton = document.querySelector('[data-print]');
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener('click', function () { window.print(); });
  }

  var upload = document.querySelector('form[data-upload]');
  if (upload) {
    var max = Number(upload.getAttribute('data-max-bytes'));
    var uploadError = upload.querySelector('[data-upload-error]');
    var fileInput = upload.querySelector('input[type="file"]');
    upload.addEventListener('submit', function (event) {
      var file = fileInput.files && fileInput.files[0];
      if (file && max && file.size > max) {
        event.preventDefault();
        uploadError.textContent = upload.getAttribute('data-too-large');
        uploadError.hidden = false;
        fileInput.setAttribute('aria-invalid', 'true');
        fileInput.focus();
      }
    });
    fileInput.addEventListener('change', function () {
      uploadError.hidden = true;
      // the field's description names this element: hidden, it must say nothing either
      uploadError.textContent = '';
      fileInput.removeAttribute('aria-invalid');
    });
  }

  var scanner = document.querySelector('[data-scanner]');
  if (!scanner || typeof window.jsQR !== 'function') return;
  scanner.hidden = false;
  var fallbackText = document.querySelector('[data-scan-fallback]');
  if (fallbackText) fallbackText.hidden = true;

  var statusEl = scanner.querySelector('[data-scan-status]');
  var video = scanner.querySelector('[data-video]');
  var toggle = scanner.querySelector('[data-camera-toggle]');
  var photo = scanner.querySelector('[data-qr-photo]');
  var canvas = document.createElement('canvas');
  var context = canvas.getContext('2d', { willReadFrequently: true });
  var stream = null;
  var text = function (name) { return scanner.getAttribute('data-text-' + name) || ''; };
  var say = function (message) { statusEl.textContent = message; };

  // Only our own /v/<number>#<secret> links are followed; the check runs on this site.
  function ourTarget(data) {
    var url;
    try { url = new URL(data); } catch (e) { return null; }
    var base = new URL(scanner.getAttribute('data-base-url') || location.origin);
    if (url.origin !== base.origin && url.origin !== location.origin) return null;
    var match = /^\/v\/([0-9A-Za-z-]{14,20})$/.exec(url.pathname);
    if (!match || url.hash.length < 2) return null;
    return '/v/' + match[1] + '?lang=' + document.documentElement.lang + url.hash;
  }

  function decode(source, width, height) {
    canvas.width = width;
    canvas.height = height;
    context.drawImage(source, 0, 0, width, height);
    var image = context.getImageData(0, 0, width, height);
    return window.jsQR(image.data, width, height, { inversionAttempts: 'attemptBoth' });
  }

  function found(code) {
    var target = ourTarget(code.data);
    if (!target) { say(text('not-ours')); return false; }
    say(text('found'));
    stop();
    location.assign(target);
    return true;
  }

  function stop() {
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    video.hidden = true;
    toggle.textContent = text('start');
  }

  function tick() {
    if (!stream) return;
    if (video.readyState >= 2 && video.videoWidth) {
      var scale = Math.min(1, 800 / Math.max(video.videoWidth, video.videoHeight));
      var code = decode(video, Math.round(video.videoWidth * scale), Math.round(video.videoHeight * scale));
      if (code && found(code)) return;
    }
    requestAnimationFrame(tick);
  }

  toggle.addEventListener('click', function () {
    if (stream) { stop(); return; }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { say(text('no-camera')); return; }
    say(text('starting'));
    navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false }).then(function (s) {
      stream = s;
      video.srcObject = s;
      video.hidden = false;
      toggle.textContent = text('stop');
      return video.play().then(function () { say(text('looking')); requestAnimationFrame(tick); });
    }).catch(function () { stop(); say(text('no-camera')); });
  });

  // a data: URL, not a blob: one: the page's Content-Security-Policy allows images from 'self' and data:
  photo.addEventListener('change', function () {
    var file = photo.files && photo.files[0];
    if (!file) return;
    var reader = new FileReader();
    reader.onerror = function () { say(text('not-found')); };
    reader.onload = function () {
      var img = new Image();
      img.onload = function () {
        var scale = Math.min(1, 1600 / Math.max(img.naturalWidth, img.naturalHeight));
        var code = decode(img, Math.round(img.naturalWidth * scale), Math.round(img.naturalHeight * scale));
        if (!code) { say(text('not-found')); return; }
        found(code);
      };
      img.onerror = function () { say(text('not-found')); };
      img.src = String(reader.result);
    };
    reader.readAsDataURL(file);
  });
})();
