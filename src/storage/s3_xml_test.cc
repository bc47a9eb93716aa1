#include "storage/s3_xml.h"

#include <gtest/gtest.h>

namespace binlake {
namespace {

TEST(S3XmlTest, ParsesListObjectsV2Answer) {
  const char* doc =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Name>b</Name><IsTruncated>true</IsTruncated>"
      "<Contents><Key>a&amp;b &lt;c&gt; &quot;d&quot; &apos;e&apos;</Key>"
      "<ETag>&quot;5d41402abc4b2a76b9719d911017c592&quot;</ETag><Size>5</Size></Contents>"
      "<Contents><Key>caf&#233;/&#x1F600;</Key><Size>0</Size></Contents>"
      "<CommonPrefixes><Prefix>p/</Prefix></CommonPrefixes>"
      "<NextContinuationToken>tok+/=</NextContinuationToken>"
      "</ListBucketResult>";
  Result<XmlElement> xml = ParseXml(doc);
  ASSERT_TRUE(xml.ok()) << xml.status().ToString();
  EXPECT_EQ(xml->name, "ListBucketResult");
  ASSERT_EQ(xml->children.size(), 6u);
  EXPECT_EQ(xml->ChildText("IsTruncated"), "true");
  EXPECT_EQ(xml->children[2].ChildText("Key"), "a&b <c> \"d\" 'e'");
  EXPECT_EQ(xml->children[2].ChildText("ETag"), "\"5d41402abc4b2a76b9719d911017c592\"");
  EXPECT_EQ(xml->children[3].ChildText("Key"), "caf\xC3\xA9/\xF0\x9F\x98\x80");
  EXPECT_EQ(xml->Child("CommonPrefixes")->ChildText("Prefix"), "p/");
  EXPECT_EQ(xml->ChildText("NextContinuationToken"), "tok+/=");
  EXPECT_EQ(xml->ChildText("Missing"), "");
  EXPECT_EQ(xml->Child("Missing"), nullptr);
}

TEST(S3XmlTest, KeepsWhitespaceCdataAndSkipsComments) {
  Result<XmlElement> xml = ParseXml(
      "<!-- c --><a x='1>2' y=\"z\"><k>  two  spaces </k><!-- c2 --><e/>"
      "<d><![CDATA[<raw & text>]]></d><s:n>ns</s:n></a>");
  ASSERT_TRUE(xml.ok()) << xml.status().ToString();
  EXPECT_EQ(xml->ChildText("k"), "  two  spaces ");
  EXPECT_EQ(xml->ChildText("d"), "<raw & text>");
  EXPECT_EQ(xml->ChildText("n"), "ns");
  ASSERT_NE(xml->Child("e"), nullptr);
  EXPECT_EQ(xml->Child("e")->text, "");
}

TEST(S3XmlTest, ErrorDocument) {
  Result<XmlElement> xml = ParseXml(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchBucket</Code>"
      "<Message></Message><BucketName>x</BucketName></Error>");
  ASSERT_TRUE(xml.ok());
  EXPECT_EQ(xml->name, "Error");
  EXPECT_EQ(xml->ChildText("Code"), "NoSuchBucket");
}

TEST(S3XmlTest, MalformedInputIsCorruptionWithOffset) {
  Result<XmlElement> mismatched = ParseXml("<a><b></a>");
  EXPECT_EQ(mismatched.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(mismatched.status().message(), "malformed XML at byte 6: </a> closes <b>");
  EXPECT_EQ(ParseXml("<a>").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ParseXml("").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ParseXml("<a>&bogus;</a>").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ParseXml("<a>&#xD800;</a>").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ParseXml("<a>&amp</a>").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ParseXml("<a></a><b></b>").status().code(), StatusCode::kCorruption);
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "<a>";
  EXPECT_EQ(ParseXml(deep).status().code(), StatusCode::kCorruption);
}

TEST(S3XmlTest, Escape) {
  EXPECT_EQ(XmlEscape("\"etag\" <&> 'x'"), "&quot;etag&quot; &lt;&amp;&gt; &apos;x&apos;");
  Result<XmlElement> back = ParseXml("<e>" + XmlEscape("a<&>\"'b") + "</e>");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->text, "a<&>\"'b");
}

}  // namespace
}  // namespace binlake
