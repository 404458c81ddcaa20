global using System.Globalization;
global using System.Text;
global using System.Text.Json;
global using BenchmarkDotNet.Attributes;
global using Reach.Core;
global using Reach.Core.Hashing;
global using Reach.Core.Transcripts;
