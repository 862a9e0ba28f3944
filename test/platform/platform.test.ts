import { describe, expect, it } from 'vitest';
import { installPlatform, platform } from '../../src/platform/index.js';

describe('the platform seam', () => {
  it('starts neutral, takes what an entry installs, frozen, and keeps the richer one when both entries load', async () => {
    // This file imports no entry: nothing is installed yet.
    expect(platform().name).toBe('neutral');
    expect(platform().fileSystem).toBeUndefined();
    const { Dataset } = await import('../../src/index.js'); // the Node entry installs Node's platform
    expect(platform().name).toBe('node');
    expect(Object.isFrozen(platform())).toBe(true);
    expect(typeof platform().fileSystem?.openPath).toBe('function');
    expect(platform().gunzip?.name).toBe('node-zlib');
    await import('../../src/browser.js'); // a library importing cifarkit/browser in a Node app
    expect(platform().name).toBe('node');
    expect(typeof platform().fileSystem?.writeFiles).toBe('function');
    expect((await Dataset.importFrom(new URL('../fixtures/generated/py2-cifar10', import.meta.url).pathname)).size).toBe(9);
    installPlatform({ name: 'neutral' });
    expect(platform().name).toBe('node');
  });
});
