/**
 * Copy button of the sender's copy page (/invitations/draft/<token>; bundled into
 * /assets/copyDraft-<hash>.js): the Clipboard API, else select-and-copy; a visible "Copied"
 * either way. The button stays hidden without JavaScript.
 */
function setUp(): void {
  const button = document.getElementById('copy');
  const text = document.getElementById('draft-body');
  const status = document.getElementById('copy-status');
  if (!(button instanceof HTMLButtonElement) || !(text instanceof HTMLTextAreaElement) || !status) return;
  const area = text;
  button.hidden = false;
  const say = (attr: 'data-copied' | 'data-failed'): void => {
    status.textContent = status.getAttribute(attr) || '';
  };
  const fallback = (): void => {
    area.focus();
    area.select();
    area.setSelectionRange(0, area.value.length);
    let ok: boolean;
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    say(ok ? 'data-copied' : 'data-failed');
  };
  button.addEventListener('click', () => {
    status.textContent = '';
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(area.value).then(() => say('data-copied'), fallback);
    } else {
      fallback();
    }
  });
}

setUp();
