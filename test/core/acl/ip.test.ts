import { describe, expect, it } from 'vitest';
import { ipMatches, isValidIpAcl, parseIpAddress } from '../../../src/core/acl/ip.ts';

const hex = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : Buffer.from(b).toString('hex'));

describe('ip scheme', () => {
  it('an ip ACL with a /8 CIDR admits 10.1.2.3', () => {
    expect(ipMatches('10.1.2.3', '10.0.0.0/8')).toBe(true);
  });

  it('an ip ACL with a /8 CIDR refuses 11.1.2.3', () => {
    expect(ipMatches('11.1.2.3', '10.0.0.0/8')).toBe(false);
  });

  it('a prefix that is not a whole number of bytes masks the bits inside a byte', () => {
    expect(ipMatches('192.168.1.130', '192.168.1.128/25')).toBe(true);
    expect(ipMatches('192.168.1.127', '192.168.1.128/25')).toBe(false);
    expect(ipMatches('172.31.255.255', '172.16.0.0/12')).toBe(true);
    expect(ipMatches('172.32.0.0', '172.16.0.0/12')).toBe(false);
  });

  it('an exact IPv4 ACL admits only that address', () => {
    expect(ipMatches('127.0.0.1', '127.0.0.1')).toBe(true);
    expect(ipMatches('127.0.0.2', '127.0.0.1')).toBe(false);
  });

  it('a /0 prefix admits every address of the same family', () => {
    expect(ipMatches('8.8.8.8', '0.0.0.0/0')).toBe(true);
    expect(ipMatches('::1', '0.0.0.0/0')).toBe(false);
  });

  it('an exact IPv6 ACL admits that address however it is written', () => {
    expect(ipMatches('2001:db8:0:0:0:0:0:1', '2001:db8::1')).toBe(true);
    expect(ipMatches('2001:0db8::0001', '2001:db8::1')).toBe(true);
    expect(ipMatches('2001:db8::2', '2001:db8::1')).toBe(false);
  });

  it('an IPv6 CIDR admits addresses under its prefix', () => {
    expect(ipMatches('2001:db8:abcd::42', '2001:db8::/32')).toBe(true);
    expect(ipMatches('2001:db9::42', '2001:db8::/32')).toBe(false);
  });

  it('an IPv4 address never matches an IPv6 ACL nor the reverse', () => {
    expect(ipMatches('10.0.0.1', '::/0')).toBe(false);
    expect(ipMatches('::ffff:10.0.0.1', '10.0.0.0/8')).toBe(false);
  });

  it("IPv6 addresses parse to ZooKeeper's bytes (its IPAuthenticationProviderTest vectors)", () => {
    expect(hex(parseIpAddress('2001:0db8:85a3:0000:0000:8a2e:0370:7334'))).toBe('20010db885a3000000008a2e03707334');
    expect(hex(parseIpAddress('2001:db8::8a2e:370:7334'))).toBe('20010db80000000000008a2e03707334');
    expect(hex(parseIpAddress('2001:db8::1'))).toBe('20010db8000000000000000000000001');
    expect(hex(parseIpAddress('::1'))).toBe('00000000000000000000000000000001');
    expect(hex(parseIpAddress('::'))).toBe('00000000000000000000000000000000');
  });

  it("malformed IPv6 addresses are refused as ZooKeeper refuses them (its test's list)", () => {
    for (const bad of ['1', '1:2', '1::2:', ':1::2:', '1:2:3:4:5:6:7:8:', '1:2:3:4:5:6:7:8:9', '1:2::3:4:5:6:7:8', '1::2::', '1:abcdf::', 'efgh::', '1:: ', ' 1::']) {
      expect(parseIpAddress(bad), bad).toBeUndefined();
    }
  });

  it('IPv4 parts are read as Java reads them: leading zeros are decimal, a sign is accepted', () => {
    expect(hex(parseIpAddress('010.001.000.255'))).toBe('0a0100ff');
    expect(hex(parseIpAddress('+1.2.3.-0'))).toBe('01020300');
    expect(parseIpAddress('1.2.3.256')).toBeUndefined();
    expect(parseIpAddress('1.2.3')).toBeUndefined();
    expect(parseIpAddress('1.2.3.4.5')).toBeUndefined();
    expect(parseIpAddress('1.2..4')).toBeUndefined();
    expect(parseIpAddress('1.2.3.0x4')).toBeUndefined();
    expect(parseIpAddress('localhost')).toBeUndefined();
  });

  it('an ip ACL id is valid when it is an address with an optional prefix in range', () => {
    expect(isValidIpAcl('10.0.0.0/8')).toBe(true);
    expect(isValidIpAcl('10.0.0.1')).toBe(true);
    expect(isValidIpAcl('10.0.0.0/32')).toBe(true);
    expect(isValidIpAcl('fe80::/10')).toBe(true);
    expect(isValidIpAcl('::/128')).toBe(true);
    expect(isValidIpAcl('10.0.0.0/33')).toBe(false);
    expect(isValidIpAcl('::/129')).toBe(false);
    expect(isValidIpAcl('10.0.0.0/-1')).toBe(false);
    expect(isValidIpAcl('10.0.0.0/')).toBe(false);
    expect(isValidIpAcl('10.0.0.0/8/8')).toBe(false);
    expect(isValidIpAcl('example.com')).toBe(false);
    expect(isValidIpAcl('')).toBe(false);
  });
});
