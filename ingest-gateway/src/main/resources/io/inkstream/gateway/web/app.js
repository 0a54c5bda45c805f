// Inkstream's page: draw or upload digits, see each prediction as soon as it is classified (pushed over Server-Sent
// Events; polled only while the stream is down).
// Plain browser JavaScript, no build step. Talks only to the REST API documented in /openapi.yaml.
"use strict";

const POLL_MS = 400;            // how often pending images are asked about while the event stream is down
const SAFETY_POLL_MS = 5000;    // and while it is up: what was stored just before it opened is asked for once it is open
const GIVE_UP_MS = 120000;      // after this a submission is shown as still pending
const HISTORY_PAGE = 15;

const $ = (id) => document.getElementById(id);
const pending = new Map();      // image id -> result element, until classified or failed
let pollTimer = null;
let stream = null;              // the EventSource of the pending images' predictions
let streamIds = new Set();      // the ids it was opened for
let streaming = false;          // whether it is open now
let historyNext = null;

// ---------- API ----------

function apiHeaders(extra) {
  const headers = Object.assign({}, extra || {});
  const key = localStorage.getItem("inkstream.apiKey");
  if (key) headers["X-Api-Key"] = key;
  return headers;
}

async function api(path, options) {
  const opts = Object.assign({}, options || {});
  opts.headers = apiHeaders(opts.headers);
  const response = await fetch(path, opts);
  if (response.status === 401) {
    $("api-key-panel").classList.remove("hidden");
  }
  let body = null;
  try { body = await response.json(); } catch (e) { body = null; }
  if (!response.ok) {
    const detail = body && body.detail ? body.detail : response.status + " " + response.statusText;
    const error = new Error(detail);
    error.status = response.status;
    error.code = body && body.error;
    error.retryAfter = response.headers.get("Retry-After");
    throw error;
  }
  return body;
}

// An image of the API: fetched with the API key (an <img src> cannot send it), shown from memory.
async function loadImage(img, path) {
  const response = await fetch(path, { headers: apiHeaders() });
  if (!response.ok) throw new Error(response.status + " " + response.statusText);
  img.src = URL.createObjectURL(await response.blob());
}

// An answer pushed by the event stream comes when the classifier commits it, a moment before the sink stores the row that
// keeps what the model saw: until then that is a 404, so it is asked again, a little later each time (about 15 s in all).
async function loadStoredImage(img, path) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await loadImage(img, path);
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
    }
  }
}

// ---------- submissions ----------

function newResult(previewUrl, name) {
  $("results-empty").classList.add("hidden");
  const item = document.createElement("li");
  item.className = "result";
  item.dataset.status = "sending";
  item.innerHTML = '<div class="pictures"><img class="upload" alt="">'
      + '<figure class="seen hidden"><img alt="What the model saw: the 28 by 28 input it classified"><figcaption>model saw</figcaption></figure>'
      + '</div><div><div class="head"><span class="digit">…</span><span class="confidence"></span></div>'
      + '<div class="state">sending</div><div class="bars"></div><div class="bar-labels"></div><div class="truth"></div>'
      + '<div class="correct hidden"><button type="button" class="secondary right">right</button>'
      + '<span class="wrong-label">wrong? it is a</span><span class="digits"></span></div></div>';
  item.querySelector("img.upload").src = previewUrl;
  item.querySelector("img.upload").alt = name ? "Submitted image " + name : "Submitted drawing";
  if (name) item.querySelector("img.upload").title = name;
  const labels = item.querySelector(".bar-labels");
  for (let d = 0; d < 10; d++) {
    const span = document.createElement("span");
    span.textContent = d;
    labels.appendChild(span);
  }
  $("results").prepend(item);
  return item;
}

function setState(item, status, text) {
  item.dataset.status = status;
  item.querySelector(".state").textContent = text;
}

function showPrediction(item, image) {
  const latest = image.predictions[image.predictions.length - 1];
  item.dataset.status = "classified";
  item.dataset.digit = latest.label;
  item.querySelector(".digit").textContent = latest.label;
  item.querySelector(".confidence").textContent = (latest.confidence * 100).toFixed(1) + "% sure";
  item.querySelector(".state").textContent = "model " + latest.model;
  const bars = item.querySelector(".bars");
  bars.innerHTML = "";
  (latest.probabilities || []).forEach((p, digit) => {
    const bar = document.createElement("div");
    bar.className = "bar" + (digit === latest.label ? " top" : "");
    bar.style.height = Math.max(2, Math.round(p * 100)) + "%";
    bar.title = digit + ": " + (p * 100).toFixed(1) + "%";
    bars.appendChild(bar);
  });
  if (latest.inputUrl) {
    const seen = item.querySelector(".seen");
    loadStoredImage(seen.querySelector("img"), latest.inputUrl).then(() => seen.classList.remove("hidden"), () => {});
  }
  const truth = item.querySelector(".truth");
  const known = image.label ? image.label.digit : latest.trueLabel;
  if (known !== undefined && known !== null) {
    truth.className = "truth " + (known === latest.label ? "truth-ok" : "truth-bad");
    truth.textContent = known === latest.label ? "right" : "wrong: it is a " + known;
  }
  offerCorrection(item, image.id, latest.label);
}

// "right", or "wrong? it is a _": the person's label goes to POST /api/images/{id}/label (the corrections topic).
function offerCorrection(item, id, given) {
  const box = item.querySelector(".correct");
  const digits = box.querySelector(".digits");
  digits.innerHTML = "";
  for (let d = 0; d < 10; d++) {
    if (d === given) continue;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary digit-pick";
    button.textContent = d;
    button.title = "it is a " + d;
    button.addEventListener("click", () => sendLabel(item, id, given, d));
    digits.appendChild(button);
  }
  box.querySelector(".right").onclick = () => sendLabel(item, id, given, given);
  box.classList.remove("hidden");
}

async function sendLabel(item, id, given, digit) {
  const truth = item.querySelector(".truth");
  try {
    await api("/api/images/" + encodeURIComponent(id) + "/label", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ label: digit }) });
    truth.className = "truth " + (digit === given ? "truth-ok" : "truth-bad");
    truth.textContent = digit === given ? "right (thank you)" : "wrong: it is a " + digit + " (thank you: recorded)";
    setTimeout(refreshModels, 11000); // live accuracy is counted again at most every 10 s
    showWhatLabellersSay(truth, id, digit);
  } catch (error) {
    truth.className = "truth truth-bad";
    truth.textContent = "label not recorded: " + error.message;
  }
}

// An image is what most of its labellers say, so another person's label may stand against this one: once the pipeline has
// counted it (a second or two), say so when people disagree or most say another digit. Nothing more when they agree.
async function showWhatLabellersSay(truth, id, digit) {
  const recorded = truth.textContent;
  for (let attempt = 0; attempt < 15; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    let label;
    try {
      label = (await api("/api/images/" + encodeURIComponent(id))).label;
    } catch (error) {
      return; // the label is recorded; what the others say can wait for the next look at the image
    }
    if (truth.textContent !== recorded) return; // labelled again since
    if (!label || !label.votes || !(String(digit) in label.votes)) continue; // not counted yet
    const votes = Object.entries(label.votes).map(([d, n]) => d + ": " + n + (n === 1 ? " labeller" : " labellers")).join(", ");
    if (label.contested) {
      truth.textContent = recorded + "; people disagree (" + votes + "): " + label.digit + ", given first, stands";
    } else if (label.digit !== digit) {
      truth.textContent = recorded + "; most labellers say it is a " + label.digit + " (" + votes + ")";
    }
    return;
  }
}

async function submit(form, previews) {
  $("upload-error").classList.add("hidden");
  const items = previews.map((p) => newResult(p.url, p.name));
  try {
    const answer = await api("/api/images", { method: "POST", body: form });
    answer.images.forEach((image, i) => {
      items[i].dataset.id = image.id;
      setState(items[i], "pending", "classifying…");
      pending.set(image.id, { item: items[i], since: Date.now() });
    });
    watchPending();
  } catch (error) {
    items.forEach((item) => {
      setState(item, "failed", "refused: " + error.message);
      item.querySelector(".digit").textContent = "×";
    });
    const retry = error.retryAfter ? " Try again in " + error.retryAfter + " s." : "";
    showError(error.message + retry);
  }
}

function showError(text) {
  const box = $("upload-error");
  box.textContent = text;
  box.classList.remove("hidden");
}

function schedulePoll() {
  if (!pollTimer) pollTimer = setTimeout(poll, streaming ? SAFETY_POLL_MS : POLL_MS);
}

function setLive(state, text) {
  const status = $("live-status");
  status.dataset.state = state;
  status.textContent = text;
}

// One stream for the pending images, opened again when an image is added (closing the old one). GET /api/events subscribes
// before it answers, and the page asks for the images' state once it is open, so nothing falls between the two.
function watchPending() {
  const ids = Array.from(pending.keys()).slice(0, 100);
  if (!window.EventSource || localStorage.getItem("inkstream.apiKey")) {
    // EventSource cannot send the API key: with a key, the page asks instead.
    setLive("polling", "Live answers need a gateway without an API key: asking every " + POLL_MS / 1000 + " s instead.");
    schedulePoll();
    return;
  }
  if (ids.length === 0 || (stream && ids.every((id) => streamIds.has(id)))) {
    if (stream || ids.length > 0) schedulePoll();
    return;
  }
  if (stream) stream.close();
  streaming = false;
  streamIds = new Set(ids);
  const source = new EventSource("/api/events?ids=" + encodeURIComponent(ids.join(",")));
  stream = source;
  source.addEventListener("open", () => {
    if (stream !== source) return;
    streaming = true;
    setLive("live", "Answers arrive live as they are classified.");
    if (pollTimer) { clearTimeout(pollTimer); pollTimer = null; }
    poll(); // what was classified before the stream opened
  });
  source.addEventListener("prediction", (event) => {
    const prediction = JSON.parse(event.data);
    const entry = pending.get(prediction.imageId);
    if (!entry) return;
    entry.item.dataset.via = "stream";
    showPrediction(entry.item, { id: prediction.imageId, predictions: [prediction] });
    pending.delete(prediction.imageId);
    refreshModels();
    refreshHistory(true);
  });
  source.addEventListener("error", () => {
    if (stream !== source) return;
    // The browser tries the stream again by itself (CONNECTING), or has given up on it (CLOSED): ask meanwhile, and say so.
    streaming = false;
    setLive("polling", "Live answers dropped: asking every " + POLL_MS / 1000 + " s until the stream is back.");
    if (source.readyState === EventSource.CLOSED) {
      stream = null;
      streamIds = new Set();
      setTimeout(watchPending, 10000);
    }
    if (pollTimer) { clearTimeout(pollTimer); pollTimer = null; }
    schedulePoll();
  });
}

async function poll() {
  pollTimer = null;
  const ids = Array.from(pending.keys()).slice(0, 100);
  if (ids.length === 0) return;
  try {
    const answer = await api("/api/images?ids=" + encodeURIComponent(ids.join(",")));
    let finished = false;
    answer.images.forEach((image) => {
      const entry = pending.get(image.id);
      if (!entry) return;
      if (image.status === "classified") {
        entry.item.dataset.via = "poll";
        showPrediction(entry.item, image);
        pending.delete(image.id);
        finished = true;
      } else if (image.status === "failed") {
        setState(entry.item, "failed", "not classified: " + image.failure.message);
        entry.item.querySelector(".digit").textContent = "×";
        pending.delete(image.id);
      } else if (Date.now() - entry.since > GIVE_UP_MS) {
        setState(entry.item, "pending", "still waiting for the classifier");
        pending.delete(image.id);
      }
    });
    if (finished) {
      refreshModels();
      refreshHistory(true);
    }
  } catch (error) {
    // The gateway or Cassandra hiccuped: keep polling.
  }
  if (pending.size > 0) schedulePoll();
}

// ---------- drawing ----------

const canvas = $("canvas");
const pen = canvas.getContext("2d");
let drawing = false;
let drawn = false;

function clearCanvas() {
  pen.fillStyle = "#ffffff";
  pen.fillRect(0, 0, canvas.width, canvas.height);
  drawn = false;
}

function point(event) {
  const box = canvas.getBoundingClientRect();
  return { x: (event.clientX - box.left) * canvas.width / box.width, y: (event.clientY - box.top) * canvas.height / box.height };
}

canvas.addEventListener("pointerdown", (event) => {
  drawing = true;
  canvas.setPointerCapture(event.pointerId);
  const p = point(event);
  pen.beginPath();
  pen.moveTo(p.x, p.y);
  pen.lineTo(p.x + 0.1, p.y + 0.1);
  pen.stroke();
  drawn = true;
});
canvas.addEventListener("pointermove", (event) => {
  if (!drawing) return;
  const p = point(event);
  pen.lineTo(p.x, p.y);
  pen.stroke();
});
["pointerup", "pointercancel", "pointerleave"].forEach((type) => canvas.addEventListener(type, () => { drawing = false; }));

$("clear-drawing").addEventListener("click", clearCanvas);
$("classify-drawing").addEventListener("click", () => {
  if (!drawn) {
    showError("Draw a digit first.");
    return;
  }
  const preview = canvas.toDataURL("image/png");
  canvas.toBlob((blob) => {
    const form = new FormData();
    form.append("file", blob, "drawing.png");
    const label = $("draw-label").value;
    if (label) form.append("label", label);
    submit(form, [{ url: preview, name: "drawing" }]);
    clearCanvas();
  }, "image/png");
});

// ---------- uploads ----------

// What the gateway accepts (GET /api/limits), asked once. A phone's photo is 2-5 MB, over the 1 MiB an image may be: it
// is scaled down here to fit, and loses nothing the classifier would see (the preprocessing reads at most about 512 px).
let uploadLimits = null;
const PHOTO_SIDE = 1600;        // the longest side a scaled-down photo keeps
const READ_BY_THE_GATEWAY = /^image\/(png|jpeg|gif|bmp|webp)$/;

async function limits() {
  if (!uploadLimits) {
    try { uploadLimits = await api("/api/limits"); } catch (e) { return null; } // the gateway then says what is wrong
  }
  return uploadLimits;
}

// The file as sent: as it is, unless it is larger than the gateway takes, or a picture in a format only the browser reads
// (an iPhone's HEIC in Safari). Those are drawn on white, turned as their EXIF says, at most PHOTO_SIDE a side, and sent
// as a JPEG. What the browser cannot read either is sent as it is, and the gateway's answer says why it is refused.
async function fitted(file, accepted) {
  const tooLarge = accepted && file.size > accepted.maxImageBytes;
  const onlyTheBrowserReads = file.type.startsWith("image/") && !READ_BY_THE_GATEWAY.test(file.type);
  if (!tooLarge && !onlyTheBrowserReads) return { file: file, note: "" };
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch (e) {
    return { file: file, note: "" };
  }
  const maxWidth = Math.min(PHOTO_SIDE, accepted ? accepted.maxImageWidth : PHOTO_SIDE);
  const maxHeight = Math.min(PHOTO_SIDE, accepted ? accepted.maxImageHeight : PHOTO_SIDE);
  const scale = Math.min(1, maxWidth / bitmap.width, maxHeight / bitmap.height);
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff";
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const note = " (sent as " + canvas.width + " x " + canvas.height + ", from " + bitmap.width + " x " + bitmap.height + ")";
  bitmap.close();
  const jpeg = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.9));
  if (!jpeg) return { file: file, note: "" };
  return { file: new File([jpeg], file.name.replace(/\.[^.]*$/, "") + ".jpg", { type: "image/jpeg" }), note: note };
}

// More files than one request may carry (maxImagesPerRequest) go in several requests, one after another.
async function uploadFiles(files) {
  if (!files || files.length === 0) return;
  const chosen = Array.from(files); // before waiting: the input's list is emptied once its change is handled
  const accepted = await limits();
  const perRequest = accepted ? accepted.maxImagesPerRequest : chosen.length;
  const label = $("upload-label").value;
  for (let from = 0; from < chosen.length; from += perRequest) {
    const form = new FormData();
    const previews = [];
    for (const original of chosen.slice(from, from + perRequest)) {
      const sent = await fitted(original, accepted);
      form.append("file", sent.file, sent.file.name);
      previews.push({ url: URL.createObjectURL(sent.file), name: original.name + sent.note });
    }
    if (label) form.append("label", label);
    await submit(form, previews);
  }
}

const dropZone = $("drop-zone");
$("file-input").addEventListener("change", (event) => {
  uploadFiles(event.target.files);
  event.target.value = "";
});
["dragenter", "dragover"].forEach((type) => dropZone.addEventListener(type, (event) => {
  event.preventDefault();
  dropZone.classList.add("over");
}));
["dragleave", "drop"].forEach((type) => dropZone.addEventListener(type, () => dropZone.classList.remove("over")));
dropZone.addEventListener("drop", (event) => {
  event.preventDefault();
  uploadFiles(event.dataTransfer.files);
});

// ---------- models, history, health ----------

function percent(value) {
  return value === undefined || value === null ? "–" : (value * 100).toFixed(2) + "%";
}

async function refreshModels() {
  try {
    const answer = await api("/api/models");
    const rows = $("models");
    rows.innerHTML = "";
    answer.models.forEach((model) => {
      const row = document.createElement("tr");
      // A shadow model never answers: its live figures are those of its answers beside the active model's.
      const shadow = model.asShadow;
      const answered = model.live && model.live.predictions > 0;
      const live = answered || !shadow ? model.live
          : {predictions: shadow.predictions, labelled: shadow.labelled, accuracy: shadow.accuracy};
      const liveText = live && live.accuracy !== undefined && live.accuracy !== null
          ? percent(live.accuracy) + " of " + live.labelled
          : (live ? live.predictions + " classified" : "–");
      const people = model.people;
      const peopleText = people && people.accuracy !== undefined ? percent(people.accuracy) + " of " + people.labelled : "–";
      const agreeText = shadow && shadow.agreement !== undefined && shadow.agreement !== null
          ? percent(shadow.agreement) + " of " + shadow.predictions : "–";
      row.innerHTML = '<td class="version"></td><td></td><td></td><td></td><td class="agreement"></td>';
      row.children[0].textContent = model.version;
      if (model.role) {
        const badge = document.createElement("span");
        badge.className = "badge " + model.role;
        badge.textContent = model.role;
        row.children[0].appendChild(badge);
      }
      row.dataset.role = model.role || "";
      row.children[1].textContent = percent(model.validationAccuracy);
      row.children[2].textContent = liveText;
      row.children[3].textContent = peopleText;
      row.children[4].textContent = agreeText;
      rows.appendChild(row);
      if (model.active) showMistakes(model);
    });
    (answer.refused || []).forEach((refusal) => {
      // Anyone may publish to the topic: the key is shown as text, and the row says it was never used.
      const row = document.createElement("tr");
      row.className = "refused";
      row.innerHTML = '<td class="version"></td><td colspan="4"></td>';
      row.children[0].textContent = refusal.key;
      const badge = document.createElement("span");
      badge.className = "badge refused";
      badge.textContent = "refused";
      row.children[0].appendChild(badge);
      row.children[1].textContent = refusal.reason;
      rows.appendChild(row);
    });
  } catch (error) {
    // shown as an empty table; the health badge says why
  }
}

// The active model's latest mistakes on people's labels.
function showMistakes(model) {
  const list = $("mistakes");
  list.innerHTML = "";
  const mistakes = model.people ? model.people.recentMistakes || [] : [];
  $("mistakes-model").textContent = mistakes.length === 0 ? "No mistakes of " + model.version + " labelled yet."
      : "by " + model.version + ", newest label first";
  mistakes.forEach((m) => {
    const li = document.createElement("li");
    li.className = "mistake";
    li.innerHTML = '<img class="seen" alt=""><span class="said"></span><span class="is"></span><a class="id"></a>';
    li.children[0].alt = "What " + model.version + " saw of image " + m.imageId;
    loadImage(li.children[0], m.inputUrl).catch(() => li.children[0].classList.add("hidden"));
    li.children[1].textContent = "said " + m.predicted;
    li.children[2].textContent = "is " + m.label;
    li.children[3].textContent = m.imageId;
    li.children[3].href = m.url;
    li.children[3].title = m.imageId;
    list.appendChild(li);
  });
}

async function refreshHistory(fromStart) {
  try {
    const url = "/api/predictions?limit=" + HISTORY_PAGE + (!fromStart && historyNext ? "&page=" + encodeURIComponent(historyNext) : "");
    const answer = await api(url);
    const list = $("history");
    if (fromStart) list.innerHTML = "";
    $("history-model").textContent = answer.model ? "by " + answer.model : "Nothing classified yet.";
    answer.predictions.forEach((p) => {
      const li = document.createElement("li");
      li.innerHTML = '<span class="digit"></span><span class="id"></span><span class="when"></span>';
      li.children[0].textContent = p.label;
      li.children[1].textContent = p.imageId;
      li.children[1].title = p.imageId;
      li.children[2].textContent = new Date(p.classifiedAt).toLocaleTimeString();
      list.appendChild(li);
    });
    historyNext = answer.next || null;
    $("history-more").classList.toggle("hidden", !historyNext);
  } catch (error) {
    // keep what is shown
  }
}

async function refreshHealth() {
  const badge = $("health");
  try {
    const response = await fetch("/health");
    const body = await response.json();
    badge.className = "health " + body.status.toLowerCase();
    $("health-text").textContent = body.status === "UP" ? "all systems up"
        : body.status === "DEGRADED" ? "uploads work, answers delayed" : "uploads unavailable";
  } catch (error) {
    badge.className = "health down";
    $("health-text").textContent = "gateway unreachable";
  }
}

$("history-more").addEventListener("click", () => refreshHistory(false));
$("api-key-form").addEventListener("submit", (event) => {
  event.preventDefault();
  localStorage.setItem("inkstream.apiKey", $("api-key-input").value);
  $("api-key-panel").classList.add("hidden");
  refreshModels();
  refreshHistory(true);
});

pen.lineWidth = 18;
pen.lineCap = "round";
pen.lineJoin = "round";
pen.strokeStyle = "#111111";
clearCanvas();
refreshHealth();
refreshModels();
refreshHistory(true);
setInterval(refreshHealth, 10000);
setInterval(refreshModels, 15000);
