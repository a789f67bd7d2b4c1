using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using IpmiRpc.Core.Targets;
using IpmiRpc.Host.Methods;
using IpmiRpc.Host.Methods.Declarations;
using IpmiRpc.Host.Targets;

namespace IpmiRpc.Host.Tests.Methods.Declarations;

public sealed class ParamMemberTests
{
    /// <summary>
    /// Regression: the first requests of a fresh process bind the same records at once; a shared NullabilityInfoContext
    /// (not thread-safe) threw "An item with the same key has already been added" and answered -32603.
    /// </summary>
    [Fact]
    public void Reading_a_params_record_from_many_threads_at_once_gives_the_same_members()
    {
        var results = new IReadOnlyList<ParamMember>[256];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 16 }, i =>
            results[i] = ParamMember.Of(typeof(SystemInfoMethods.SystemInfoValues)));
        Assert.All(results, r => Assert.Equal(
            ["systemFirmwareVersion", "systemName", "primaryOperatingSystemName", "operatingSystemName", "presentOperatingSystemVersion", "bmcUrl", "hypervisorUrl"],
            r.Select(m => m.Name)));
        Assert.All(results, r => Assert.All(r, m => Assert.True(m.IsNullable)));
    }

    /// <summary>Every params record of a declared method and every transport's target record.</summary>
    public static TheoryData<Type> DeclaredRecords()
    {
        var types = new TheoryData<Type>();
        foreach (var type in MethodCatalog.All.Values.Select(d => d.ParamsType).OfType<Type>()
                     .Concat(TargetCatalog.All.Select(k => k.RecordType)).Distinct().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            types.Add(type);
        }

        return types;
    }

    /// <summary>
    /// Each property's attributes are read once and picked by type: every member must carry what the reflection lookups
    /// one attribute type at a time (how it was read before) find on the same property.
    /// </summary>
    [Theory]
    [MemberData(nameof(DeclaredRecords))]
    public void Members_carry_what_each_attribute_lookup_finds(Type record)
    {
        foreach (var member in ParamMember.Of(record))
        {
            var property = member.Property;
            Assert.Equal(property.GetCustomAttribute<RequiredAttribute>() is not null, member.IsRequired);
            Assert.Equal(property.GetCustomAttribute<DescriptionAttribute>()?.Description, member.Description);
            Assert.Same(property.GetCustomAttribute<RangeAttribute>()?.GetType(), member.Range?.GetType());
            Assert.Equal(property.GetCustomAttribute<RangeAttribute>()?.Minimum, member.Range?.Minimum);
            Assert.Equal(property.GetCustomAttribute<RangeAttribute>()?.Maximum, member.Range?.Maximum);
            Assert.Equal(property.GetCustomAttribute<MaxLengthAttribute>()?.Length, member.MaxLength);
            Assert.Equal(property.GetCustomAttribute<MinLengthAttribute>()?.Length, member.MinLength);
            Assert.Equal(property.GetCustomAttribute<MinPropertiesAttribute>()?.Count, member.MinProperties);
            Assert.Equal(property.GetCustomAttribute<DefaultValueAttribute>()?.Value, member.Default);
            Assert.Equal(property.GetCustomAttribute<SecretAttribute>() is not null, member.IsSecret);
            Assert.Equal(property.GetCustomAttribute<MaxBytesAttribute>()?.Bytes, member.MaxBytes);
            Assert.Equal(property.GetCustomAttribute<SecretSourceAttribute>()?.Secret, member.SecretSource?.Secret);
            Assert.Equal(property.GetCustomAttribute<SecretSourceAttribute>()?.Kind, member.SecretSource?.Kind);
            Assert.Equal(property.GetCustomAttribute<SecretSourceAttribute>()?.MaxBytes, member.SecretSource?.MaxBytes);
        }
    }

    [Fact]
    public void Attributes_inherited_from_a_base_record_count_and_a_derived_one_matches_its_base_type()
    {
        var member = Assert.Single(ParamMember.Of(typeof(DerivedParams)), m => m.Name == "count");
        Assert.Equal("from the base", member.Description);
        Assert.IsType<ExactRangeAttribute>(member.Range);
        Assert.Equal(3, member.Range!.Minimum);
    }

    [Fact]
    public void Two_attributes_of_one_kind_are_refused_as_before()
    {
        var property = typeof(TwoDescriptions).GetProperty(nameof(TwoDescriptions.Name))!;
        Assert.Throws<AmbiguousMatchException>(() => property.GetCustomAttribute<DescriptionAttribute>());
        Assert.Throws<AmbiguousMatchException>(() => ParamMember.Of(typeof(TwoDescriptions)));
    }

    public class BaseParams
    {
        [Description("from the base")]
        public virtual int? Count { get; init; }
    }

    public sealed class DerivedParams : BaseParams
    {
        [ExactRange(3, 5)]
        public override int? Count { get; init; }
    }

    [AttributeUsage(AttributeTargets.Property)]
    public sealed class ExactRangeAttribute(int minimum, int maximum) : RangeAttribute(minimum, maximum);

    public sealed class TwoDescriptions
    {
        [Description("one")]
        [SecondDescription]
        public string? Name { get; init; }
    }

    [AttributeUsage(AttributeTargets.Property)]
    public sealed class SecondDescriptionAttribute() : DescriptionAttribute("two");
}
