using System.Security.Cryptography;

namespace SevaKiosk.Protocol.Ssp;

/// <summary>
/// eSSP Diffie-Hellman arithmetic. The host picks two primes (GENERATOR, MODULUS; by ITL convention the generator is
/// the larger), a secret r, sends G^r mod M with REQUEST KEY EXCHANGE and derives the key as SlaveInter^r mod M.
/// </summary>
public static class SspKeyExchange
{
    /// <summary>ITL's hosts keep the parameters below 2^31; devices are only known to accept values in that range.</summary>
    public const ulong MaxParameter = 1UL << 31;

    public static ulong ModPow(ulong value, ulong exponent, ulong modulus)
    {
        if (modulus == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(modulus), "Modulus must not be zero.");
        }

        UInt128 result = 1;
        UInt128 b = value % modulus;
        while (exponent > 0)
        {
            if ((exponent & 1) == 1)
            {
                result = result * b % modulus;
            }

            b = b * b % modulus;
            exponent >>= 1;
        }

        return (ulong)result;
    }

    /// <summary>Deterministic Miller-Rabin for every 64-bit value (the witnesses below suffice up to 2^64).</summary>
    public static bool IsPrime(ulong n)
    {
        if (n < 2)
        {
            return false;
        }

        ReadOnlySpan<ulong> witnesses = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];
        foreach (var p in witnesses)
        {
            if (n % p == 0)
            {
                return n == p;
            }
        }

        var d = n - 1;
        var s = 0;
        while ((d & 1) == 0)
        {
            d >>= 1;
            s++;
        }

        foreach (var a in witnesses)
        {
            var x = ModPow(a, d, n);
            if (x == 1 || x == n - 1)
            {
                continue;
            }

            var composite = true;
            for (var r = 1; r < s; r++)
            {
                x = (ulong)((UInt128)x * x % n);
                if (x == n - 1)
                {
                    composite = false;
                    break;
                }
            }

            if (composite)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A random prime in [2^16, <paramref name="below"/>).</summary>
    public static ulong RandomPrime(ulong below = MaxParameter)
    {
        while (true)
        {
            var candidate = ((ulong)RandomNumberGenerator.GetInt32(1 << 16, (int)Math.Min(below, int.MaxValue))) | 1;
            if (IsPrime(candidate))
            {
                return candidate;
            }
        }
    }

    /// <summary>Chooses (generator, modulus) as ITL hosts do: two primes with the generator the larger.</summary>
    public static (ulong Generator, ulong Modulus) ChooseParameters()
    {
        var a = RandomPrime();
        ulong b;
        do
        {
            b = RandomPrime();
        }
        while (b == a);

        return a > b ? (a, b) : (b, a);
    }

    /// <summary>A random secret exponent below 2^31.</summary>
    public static ulong RandomSecret() => (ulong)RandomNumberGenerator.GetInt32(2, int.MaxValue);

    public static ulong InterKey(ulong generator, ulong secret, ulong modulus) => ModPow(generator, secret, modulus);

    public static ulong SharedKey(ulong otherInterKey, ulong secret, ulong modulus) => ModPow(otherInterKey, secret, modulus);
}
