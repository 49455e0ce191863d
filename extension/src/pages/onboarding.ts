import { ask } from "../shared/messages.js";

const agree = document.getElementById("agree") as HTMLInputElement;
const start = document.getElementById("start") as HTMLButtonElement;
const message = document.getElementById("message")!;

agree.addEventListener("change", () => { start.disabled = !agree.checked; });

document.getElementById("consent")!.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!agree.checked) return;
  start.disabled = true;
  message.textContent = "Signing up…";
  const value = (id: string) => (document.getElementById(id) as HTMLInputElement | HTMLSelectElement).value.trim();
  const country = value("country").toUpperCase();
  const answer = await ask({ type: "register", demographics: { age: value("age") || undefined, gender: value("gender") || undefined, country: country || undefined } });
  if (answer.ok) {
    message.className = "";
    message.textContent = "You are sharing. Chat as usual: your conversations are held for 24 hours before they are published.";
    document.body.dataset.registered = "true";
  } else {
    message.className = "error";
    message.textContent = `Could not sign up: ${answer.detail ?? "the ShareLM gateway did not answer"}. Try again in a moment.`;
    start.disabled = false;
  }
});
