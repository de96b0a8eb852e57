using SevaKiosk.Hal.Tests.CashAcceptors.CcTalk;
using SevaKiosk.Hal.Tests.CashAcceptors.Id003;
using SevaKiosk.Hal.Tests.CashAcceptors.Ssp;
using SevaKiosk.Hal.Tests.Support;

namespace SevaKiosk.Hal.Tests.CashAcceptors.Conformance;

[Collection(VirtualTimeCollection.Name)]
public class SspConformanceTests : CashInConformanceTests
{
    protected override async Task<IValidatorRig> StartAsync() => await SspRig.StartAsync();
}

[Collection(VirtualTimeCollection.Name)]
public class Id003ConformanceTests : CashInConformanceTests
{
    protected override async Task<IValidatorRig> StartAsync() => await Id003Rig.StartAsync();
}

[Collection(VirtualTimeCollection.Name)]
public class CcTalkConformanceTests : CashInConformanceTests
{
    protected override async Task<IValidatorRig> StartAsync() => await CcTalkRig.StartAsync();
}
