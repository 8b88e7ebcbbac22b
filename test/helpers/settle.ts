/**
 * Waits for every finite CSS animation in `root`'s composed tree (its shadow roots included), so
 * axe measures final colours, not a fade-in's blend (endless ones, like a spinner, are skipped). It asks each element (Element.getAnimations),
 * never a ShadowRoot: ShadowRoot.getAnimations crashed this Chromium's renderer.
 */
export async function animationsSettled(root: Element): Promise<void> {
  const animations: Animation[] = [];
  const stack: (Element | ShadowRoot)[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    if (node instanceof Element) {
      animations.push(...node.getAnimations());
      if (node.shadowRoot) stack.push(node.shadowRoot);
    }
    stack.push(...Array.from(node.children));
  }
  const finite = animations.filter((a) => a.effect?.getComputedTiming().iterations !== Infinity);
  await Promise.all(finite.map((a) => a.finished.catch(() => undefined)));
}
