import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Logger, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as NestPinoLogger } from 'nestjs-pino';
import { JsonLogger } from './json-logger';
import { nestLoggerModule } from './nest-logger.module';
import { requestContextMiddleware } from './request-context.middleware';

@Controller()
class ProbeController {
  private readonly log = new Logger('Probe');

  @Get('probe')
  probe(): { ok: true } {
    this.log.log({ apiKeys: 3, authorization: 'Bearer secret-token', msg: 'inside' });
    return { ok: true };
  }
}

describe('nestLoggerModule (nestjs-pino on the JsonLogger)', () => {
  const lines: string[] = [];
  const logger = new JsonLogger('control-plane', 'debug', (line) => lines.push(line));
  let app: INestApplication;

  beforeAll(async () => {
    @Module({ imports: [nestLoggerModule(logger)], controllers: [ProbeController] })
    class ProbeModule {}
    app = await NestFactory.create(ProbeModule, { logger: false });
    app.use(requestContextMiddleware(logger));
    app.useLogger(app.get(NestPinoLogger));
    await app.listen(0, '127.0.0.1');
  });
  afterAll(() => app.close());

  it("binds a Nest log line inside a request to that request's id, redacted as every line", async () => {
    const port = (app.getHttpServer().address() as AddressInfo).port;
    await (await fetch(`http://127.0.0.1:${port}/probe`, { headers: { 'x-request-id': 'trace-7' } })).text();
    const inside = lines.map((line) => JSON.parse(line)).find((entry) => entry.context === 'Probe');
    expect(inside).toMatchObject({ service: 'control-plane', requestId: 'trace-7', apiKeys: 3, authorization: '[redacted]', msg: 'inside' });
    expect(lines.join('\n')).not.toContain('secret-token');
  });
});
