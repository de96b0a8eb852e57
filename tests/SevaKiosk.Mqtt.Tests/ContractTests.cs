using System.Text;
using System.Text.Json;
using SevaKiosk.Mqtt.Tests.Infrastructure;
using SevaKiosk.Protocol.Mqtt;

namespace SevaKiosk.Mqtt.Tests;

/// <summary>The v1 contract: topic names, JSON forms and the exact signed bytes.</summary>
public sealed class ContractTests
{
    [Fact]
    public void Topics_live_under_kiosk_v1_and_the_machine_id()
    {
        var topics = KioskTopics.For("RJ-JPR-0042");
        Assert.Equal("kiosk/v1/RJ-JPR-0042/status", topics.Status);
        Assert.Equal("kiosk/v1/RJ-JPR-0042/tx/ack", topics.TransactionAck);
        Assert.Equal("kiosk/v1/RJ-JPR-0042/state/desired", topics.StateDesired);
        Assert.Equal("kiosk/v1/RJ-JPR-0042/cmd/reply", topics.CommandReply);
        Assert.Equal("kiosk/v1/RJ-JPR-0042/backend/request/payment-post", topics.BackendRequest(KioskTopics.PaymentPost));
        Assert.True(KioskTopics.TryParse(topics.BackendRequest(KioskTopics.BillFetch), out var machine, out var rest));
        Assert.Equal(("RJ-JPR-0042", "backend/request/bill-fetch"), (machine, rest));
        Assert.False(KioskTopics.TryParse("kiosk/v2/x/tx", out _, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("kiosk+")]
    [InlineData("#")]
    [InlineData("कियोस्क")]
    [InlineData("a b")]
    public void Machine_ids_that_would_break_topics_or_acls_are_refused(string machineId)
    {
        Assert.False(KioskTopics.IsValidMachineId(machineId));
        Assert.Throws<ArgumentException>(() => KioskTopics.For(machineId));
    }

    [Fact]
    public void A_transaction_is_camel_case_json_with_wire_enum_names_and_decimal_money()
    {
        var record = TestAgents.Transaction("kiosk-1", 42) with { Fee = 2.50m, PaymentStatus = PaymentStatus.Pending };
        var json = KioskJson.SerializeToString(record);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal("kiosk-1-00000042", root.GetProperty("txId").GetString());
        Assert.Equal(42, root.GetProperty("journalSeq").GetInt64());
        Assert.Equal("pending", root.GetProperty("paymentStatus").GetString());
        Assert.Equal(850m, root.GetProperty("amount").GetDecimal());
        Assert.Equal("2.50", root.GetProperty("fee").GetRawText());
        Assert.Equal(4, root.GetProperty("notes").GetArrayLength());
        Assert.Equal(500m, root.GetProperty("notes")[0].GetProperty("denomination").GetDecimal());
        Assert.False(root.TryGetProperty("paymentReference", out _)); // nulls are omitted

        var back = KioskJson.Deserialize<TransactionRecord>(Encoding.UTF8.GetBytes(json));
        Assert.Equal(json, KioskJson.SerializeToString(back));
    }

    [Fact]
    public void A_payload_without_a_required_field_or_with_an_unknown_enum_is_refused()
    {
        Assert.False(KioskJson.TryDeserialize<TransactionAck>("""{"txId":"t","journalSeq":1,"firstApply":true,"backendTime":"2026-01-01T00:00:00Z"}"""u8, out _, out var missing));
        Assert.Contains("revision", missing, StringComparison.Ordinal);
        Assert.False(KioskJson.TryDeserialize<CommandReply>("""{"machineId":"m","outcome":"maybe","stamp":{"bootId":"b","monotonicMs":1,"wall":"2026-01-01T00:00:00Z","clockSynced":true}}"""u8, out _, out _));
        Assert.Throws<JsonException>(() => KioskJson.Deserialize<SignedCommand>("null"u8));
    }

    [Fact]
    public void The_signed_bytes_of_a_command_are_length_prefixed_fields_in_a_fixed_order()
    {
        var command = new SignedCommand
        {
            CmdId = "c-1",
            MachineId = "kiosk-1",
            IssuedAt = DateTimeOffset.FromUnixTimeMilliseconds(1_767_225_600_000),
            ExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(1_767_226_200_000),
            Type = "set-config",
            Args = new Dictionary<string, string> { ["version"] = "3", ["language"] = "हिं" },
        };
        var expected = "16:sevakiosk/cmd/v1,3:c-1,7:kiosk-1,13:1767225600000,13:1767226200000,10:set-config,1:2,8:language,9:हिं,7:version,1:3,";
        Assert.Equal(expected, Encoding.UTF8.GetString(CanonicalForm.Of(command)));
    }

    [Fact]
    public void A_signature_verifies_only_for_the_exact_command_and_the_pinned_key()
    {
        using var fleet = new FleetKeys();
        using var other = new FleetKeys();
        using var pinned = FleetSignature.ImportPublicKey(fleet.PublicPem);
        var command = fleet.Command("kiosk-1", CommandTypes.OutOfService, new Dictionary<string, string> { ["reason"] = "audit" });

        Assert.Equal(SignatureCheck.Valid, FleetSignature.Verify(command, pinned));
        Assert.Equal(SignatureCheck.Missing, FleetSignature.Verify(command with { Signature = null }, pinned));
        Assert.Equal(SignatureCheck.Invalid, FleetSignature.Verify(command with { Signature = "AAAA" }, pinned));
        Assert.Equal(SignatureCheck.Invalid, FleetSignature.Verify(command with { MachineId = "kiosk-2" }, pinned));
        Assert.Equal(SignatureCheck.Invalid, FleetSignature.Verify(command with { ExpiresAt = command.ExpiresAt.AddDays(1) }, pinned));
        Assert.Equal(SignatureCheck.Invalid, FleetSignature.Verify(command with { Args = new Dictionary<string, string> { ["reason"] = "audits" } }, pinned));
        Assert.Equal(SignatureCheck.Invalid, FleetSignature.Verify(other.Command("kiosk-1", CommandTypes.OutOfService), pinned));

        // The JSON round trip (what the machine actually receives) keeps the signature valid.
        Assert.Equal(SignatureCheck.Valid, FleetSignature.Verify(KioskJson.Deserialize<SignedCommand>(KioskJson.Serialize(command)), pinned));
    }

    [Fact]
    public void A_fleet_key_that_is_not_p256_is_refused()
    {
        using var p384 = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP384);
        Assert.Throws<ArgumentException>(() => FleetSignature.ImportPublicKey(p384.ExportSubjectPublicKeyInfoPem()));
        Assert.Throws<ArgumentException>(() => FleetSignature.ImportPublicKey("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"));
    }
}
