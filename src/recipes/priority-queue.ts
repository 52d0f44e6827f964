// The queue with priorities (Curator's DistributedPriorityQueue): the priority is part of the item's
// name, `qn-PPPPPPPP-NNNNNNNNNN` (8 hex digits of the priority offset by 2^31, so lower priorities
// sort first), and the queue takes items in name order: lowest priority number first, FIFO within a
// priority. Everything else (take by delete, tombstones, protected offers) is DistributedQueue's.

import { Code, KeeperError } from '../core/errors.ts';
import { DistributedQueue, itemPrefix } from './queue.ts';

const offset = 2 ** 31;

export class DistributedPriorityQueue extends DistributedQueue {
  /** Adds an item; `priority` is an int32, lower first (FIFO queues offer with priority 0). */
  async offerWithPriority(data: Uint8Array, priority: number): Promise<string> {
    if (!Number.isInteger(priority) || priority < -offset || priority >= offset) {
      throw new KeeperError(Code.BADARGUMENTS, `a priority is an int32: ${priority}`, this.path);
    }
    const encoded = (priority + offset).toString(16).padStart(8, '0');
    return this.offerNamed(`${itemPrefix}${encoded}-`, data);
  }

  override offer(data: Uint8Array): Promise<string> {
    return this.offerWithPriority(data, 0);
  }
}
