import { checkCard } from './stripe-browser';

const NOW = new Date(2026, 11, 2); // 2 December 2026
const VALID = { number: '4242 4242 4242 4242', expiry: '12/30', cvc: '123' };

describe('checkCard', () => {
  it('accepts a card as people type it, and hands Stripe the digits and the expiry as numbers', () => {
    expect(checkCard(VALID, NOW)).toEqual({ card: { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' }, errors: {} });
    expect(checkCard({ number: '3782-822463-10005', expiry: ' 1 / 2031 ', cvc: ' 1234 ' }, NOW)).toEqual({
      card: { number: '378282246310005', expMonth: 1, expYear: 2031, cvc: '1234' },
      errors: {},
    });
  });

  it('refuses a card number with a wrong check digit (Luhn), too few digits or letters', () => {
    for (const number of ['4242 4242 4242 4241', '4242', '4242 4242 4242 424x', '']) {
      expect(checkCard({ ...VALID, number }, NOW)).toEqual({ errors: { number: 'Enter the card number as printed on the card.' } });
    }
  });

  it('asks for the expiry as MM/YY when it is not a month and year', () => {
    for (const expiry of ['13/30', '00/30', '1230', '12/3', 'soon', '']) {
      expect(checkCard({ ...VALID, expiry }, NOW)).toEqual({ errors: { expiry: 'Enter the expiry date as MM/YY.' } });
    }
  });

  it('says a card has expired after its last month, and takes it through that month', () => {
    expect(checkCard({ ...VALID, expiry: '11/26' }, NOW)).toEqual({ errors: { expiry: 'This card has expired.' } });
    expect(checkCard({ ...VALID, expiry: '12/2025' }, NOW)).toEqual({ errors: { expiry: 'This card has expired.' } });
    expect(checkCard({ ...VALID, expiry: '12/26' }, NOW).errors).toEqual({});
  });

  it('asks for the 3 or 4 digits of the security code', () => {
    for (const cvc of ['12', '12345', 'abc', '']) {
      expect(checkCard({ ...VALID, cvc }, NOW)).toEqual({ errors: { cvc: 'Enter the 3 or 4 digits on the back of the card.' } });
    }
  });

  it('names every field that needs fixing at once, and gives no card', () => {
    expect(checkCard({ number: '1234', expiry: '99/99', cvc: '' }, NOW)).toEqual({
      errors: {
        number: 'Enter the card number as printed on the card.',
        expiry: 'Enter the expiry date as MM/YY.',
        cvc: 'Enter the 3 or 4 digits on the back of the card.',
      },
    });
  });
});
