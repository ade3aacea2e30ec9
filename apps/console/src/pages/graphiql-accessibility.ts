// GraphiQL's CodeMirror editors ship hidden textareas without labels and scroll regions that are not
// focusable; this labels them as they appear so the explorer meets the same axe bar as every page.
export function patchGraphiQLAccessibility(root: HTMLElement, label: (index: number) => string): () => void {
  const apply = () => {
    root.querySelectorAll('textarea').forEach((textarea, index) => {
      if (!textarea.getAttribute('aria-label') && !textarea.labels?.length) textarea.setAttribute('aria-label', label(index));
    });
    root.querySelectorAll<HTMLElement>('.CodeMirror-scroll').forEach((region) => {
      if (region.getAttribute('tabindex') !== '0') region.setAttribute('tabindex', '0');
    });
  };
  apply();
  const observer = new MutationObserver(apply);
  observer.observe(root, { childList: true, subtree: true });
  return () => observer.disconnect();
}
