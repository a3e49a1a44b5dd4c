// Add the archive of every chapter (notebooks.zip, written by
// tools/notebook_archive.py) to the download menu of each page: a chapter's
// .ipynb alone cannot import the book's utils package.
document.addEventListener("DOMContentLoaded", () => {
  const menu = document.querySelector(".dropdown-download-buttons ul");
  if (!menu || !menu.firstElementChild) return;
  const root = document.documentElement.dataset.content_root || "";
  const item = menu.firstElementChild.cloneNode(true);
  const link = item.querySelector("a");
  link.href = root + "notebooks.zip";
  link.removeAttribute("onclick");
  link.setAttribute("download", "");
  link.title = "全书笔记本、utils 与 requirements.txt";
  link.classList.add("btn-download-archive");
  const text = item.querySelector(".btn__text-container");
  if (text) text.textContent = "全书笔记本 (.zip)";
  const icon = item.querySelector("i");
  if (icon) icon.className = "fas fa-file-archive";
  menu.appendChild(item);
});
