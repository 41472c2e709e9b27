// Copy buttons: <button data-copy="element-id"> copies that field's text to the clipboard.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copy);
  const status = document.getElementById("copy-status");
  try {
    await navigator.clipboard.writeText(field.value);
    if (status) status.textContent = "已复制";
  } catch {
    field.select();
    if (status) status.textContent = "请按 Ctrl+C 复制已选中的内容";
  }
});
