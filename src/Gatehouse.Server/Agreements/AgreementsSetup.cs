namespace Gatehouse.Server.Agreements;

/// <summary>Developer agreements: the guard that a submission needs the current one accepted.</summary>
internal static class AgreementsSetup
{
    public static IServiceCollection AddGatehouseAgreements(this IServiceCollection services) =>
        services.AddScoped<AgreementGuard>().AddScoped<DeveloperAgreements>();
}
