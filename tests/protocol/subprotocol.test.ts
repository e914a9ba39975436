import { describe, expect, it } from 'vitest';
import { selectSubprotocol, subprotocolListProblem } from '../../src/protocol';

describe('selectSubprotocol (RFC 6455 §4.2.2)', () => {
  it('picks by the server’s preference, not the client’s order', () => {
    const choice = selectSubprotocol(['echo.v1', 'echo.v2'], ['echo.v2', 'echo.v1']);
    expect(choice.chosen).toBe('echo.v2');
    expect(choice.why).toMatch(/the client listed echo\.v1 first, but the choice is the server's/);
  });

  it('picks the one offered the server speaks', () => {
    expect(selectSubprotocol(['chat', 'echo.v1'], ['echo.v2', 'echo.v1']).chosen).toBe('echo.v1');
  });

  it('nothing offered: none, and says so', () => {
    const choice = selectSubprotocol([], ['echo.v2']);
    expect(choice.chosen).toBeNull();
    expect(choice.why).toMatch(/offered no subprotocol/);
  });

  it('nothing in common, or a server with no list: none, and the connection opens without one', () => {
    expect(selectSubprotocol(['mqtt'], ['echo.v2', 'echo.v1'])).toMatchObject({ chosen: null, offered: ['mqtt'], supported: ['echo.v2', 'echo.v1'] });
    expect(selectSubprotocol(['mqtt'], []).why).toMatch(/speaks no subprotocol/);
  });

  it('checks a server list: tokens, each once', () => {
    expect(subprotocolListProblem(['echo.v1', 'chat'])).toBeNull();
    expect(subprotocolListProblem(['a b'])).toMatch(/not a subprotocol name/);
    expect(subprotocolListProblem(['x', 'x'])).toMatch(/listed twice/);
  });
});
