import { describe, expect, it } from 'vitest';

describe('the browser harness', () => {
  it('runs in a real Chromium with IndexedDB and strict durability transactions', async () => {
    expect(typeof indexedDB).toBe('object');
    expect(navigator.userAgent).toContain('Chrome');
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('harness-probe', 1);
      req.onupgradeneeded = () => req.result.createObjectStore('s');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const tx = db.transaction('s', 'readwrite', { durability: 'strict' });
    expect(tx.durability).toBe('strict');
    tx.objectStore('s').put(1, 'k');
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  });
});
