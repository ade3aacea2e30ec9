import { TenancyError } from './tenancy-errors';
import type { Contact } from './institution.model';

const SLUG = /^[a-z][a-z0-9-]{1,62}$/;
const CAPITAL = /^[0-9]{1,24}$/;
const PHONE = /^\+?[0-9][0-9 -]{5,20}$/;

export function validSlug(slug: string): string {
  if (!SLUG.test(slug)) {
    throw new TenancyError('INVALID_SLUG', 'slug must be 2-63 characters: lowercase letters, digits and dashes, starting with a letter', { slug });
  }
  return slug;
}

export function validName(field: 'nameKo' | 'nameEn', value: string): string {
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > 200) {
    throw new TenancyError('INVALID_NAME', `${field} must be 1-200 characters`, { field });
  }
  return trimmed;
}

/** Capital is a positive whole number of KRW, given as a decimal string. */
export function validCapital(value: string): string {
  const trimmed = value.trim();
  if (!CAPITAL.test(trimmed) || BigInt(trimmed) <= 0n) {
    throw new TenancyError('INVALID_CAPITAL', 'investedCapitalKrw must be a positive whole number of KRW', {
      value,
    });
  }
  return BigInt(trimmed).toString();
}

/** RFC 5321: a forward path holds at most 256 octets, so an address at most 254 characters. */
export const MAX_EMAIL_LENGTH = 254;
const MAX_EMAIL_LOCAL_PART = 64;
const WHITESPACE = /\s/;

/**
 * `local@domain.tld`: one "@", no whitespace, a dot inside the domain. One linear pass after a
 * length check (the regular expression it replaces backtracked quadratically on long input).
 */
export function isEmailAddress(value: string): boolean {
  if (value.length > MAX_EMAIL_LENGTH || WHITESPACE.test(value)) return false;
  const at = value.indexOf('@');
  if (at < 1 || at > MAX_EMAIL_LOCAL_PART || value.indexOf('@', at + 1) !== -1) return false;
  const domain = value.slice(at + 1);
  const dot = domain.indexOf('.', 1);
  return dot > 0 && dot < domain.length - 1;
}

export function validContacts(contacts: Contact[]): Contact[] {
  if (contacts.length > 20) throw new TenancyError('INVALID_CONTACT', 'At most 20 contacts');
  return contacts.map((contact, index) => {
    const name = contact.name.trim();
    if (!name || name.length > 200) throw new TenancyError('INVALID_CONTACT', `contacts[${index}].name must be 1-200 characters`, { index });
    if (!isEmailAddress(contact.email)) throw new TenancyError('INVALID_CONTACT', `contacts[${index}].email is not an email address`, { index });
    if (contact.phone && !PHONE.test(contact.phone)) throw new TenancyError('INVALID_CONTACT', `contacts[${index}].phone is not a phone number`, { index });
    return { name, email: contact.email, phone: contact.phone ?? null, role: contact.role?.trim() || null };
  });
}

export function validReason(reason: string): string {
  const trimmed = reason.trim();
  if (trimmed.length < 3 || trimmed.length > 1000) {
    throw new TenancyError('INVALID_REASON', 'reason must be 3-1000 characters');
  }
  return trimmed;
}
