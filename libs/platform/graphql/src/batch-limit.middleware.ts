import express, { type NextFunction, type Request, type Response } from 'express';

/**
 * Parses GraphQL bodies (bounded size) and refuses batches larger than `maxBatch` operations,
 * before Apollo executes any of them.
 */
export function graphqlBodyLimits(maxBatch: number, maxBodyBytes = 256 * 1024) {
  const json = express.json({ limit: maxBodyBytes });
  return [
    json,
    (req: Request, res: Response, next: NextFunction): void => {
      if (Array.isArray(req.body) && req.body.length > maxBatch) {
        res.status(400).json({
          errors: [
            {
              message: `Batch of ${req.body.length} operations exceeds the maximum of ${maxBatch}`,
              extensions: { code: 'BAD_REQUEST', reason: 'MAX_BATCH_EXCEEDED' },
            },
          ],
        });
        return;
      }
      next();
    },
  ];
}
