import { clientErrorResponse } from '../../src/http/client-error';

const withCode = (code: string) => Object.assign(new Error(code), { code });

describe('clientErrorResponse', () => {
  it.each([
    ['HPE_HEADER_OVERFLOW', 431, 'headers_too_large'],
    ['ERR_HTTP_REQUEST_TIMEOUT', 408, 'request_timeout'],
    ['HPE_UNEXPECTED_CONTENT_LENGTH', 400, 'malformed_http_request'],
    ['HPE_INVALID_METHOD', 400, 'malformed_http_request'],
    ['HPE_INVALID_TRANSFER_ENCODING', 400, 'malformed_http_request'],
  ])('%s → %i %s', (code, status, errorCode) => {
    expect(clientErrorResponse(withCode(code))).toMatchObject({ status, code: errorCode });
  });
});
