const needle = arguments[0], nth = arguments[1];
const container = document.querySelector('.lsf-richtext__container');
const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
const nodes = []; let text = '';
while (walker.nextNode()) { nodes.push([walker.currentNode, text.length]); text += walker.currentNode.nodeValue; }
let idx = -1;
for (let k = 0; k <= nth; k++) { idx = text.indexOf(needle, idx + 1); if (idx < 0) throw new Error('not found: ' + needle); }
const end = idx + needle.length;
function locate(pos, isEnd) {
  for (const [n, off] of nodes) {
    const len = n.nodeValue.length;
    if (isEnd ? (pos > off && pos <= off + len) : (pos >= off && pos < off + len)) return [n, pos - off];
  }
  throw new Error('offset outside the text: ' + pos);
}
const [sn, so] = locate(idx, false), [en, eo] = locate(end, true);
const range = document.createRange(); range.setStart(sn, so); range.setEnd(en, eo);
const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
const target = sn.parentElement;
target.dispatchEvent(new MouseEvent('mousedown', {bubbles: true}));
target.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
return text.length;
